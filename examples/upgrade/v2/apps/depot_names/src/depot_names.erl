-module(depot_names).
-export([normalize/1]).

%% An item's name as the stock keeps it: lower case and singular.
normalize(Name) when is_atom(Name) ->
    Lower = string:lowercase(atom_to_list(Name)),
    list_to_atom(depot_names_singular:singular(Lower)).
