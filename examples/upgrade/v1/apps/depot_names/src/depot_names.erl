-module(depot_names).
-export([normalize/1]).

%% An item's name as the stock keeps it: lower case.  (Version 1.1.0
%% makes it singular too.)
normalize(Name) when is_atom(Name) ->
    list_to_atom(string:lowercase(atom_to_list(Name))).
