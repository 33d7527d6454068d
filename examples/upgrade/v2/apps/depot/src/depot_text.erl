-module(depot_text).
-export([report/1]).

%% Version 2's report, new in version 2 (depot_fmt is gone):
%% "COUNT x ITEM" lines.
report(Stock) ->
    lists:flatten([io_lib:format("~b x ~s~n", [Count, Item])
                   || {Item, Count} <- Stock]).
