-module(depot_fmt).
-export([report/1]).

%% Version 1's report: "ITEM: COUNT" lines.  Gone in version 2
%% (depot_text replaces it).
report(Stock) ->
    lists:flatten([io_lib:format("~s: ~b~n", [Item, Count])
                   || {Item, Count} <- Stock]).
