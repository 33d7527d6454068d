-module(depot_names_singular).
-export([singular/1]).

%% New in depot_names 1.1.0: "apples" -> "apple" (a plain final s only).
singular(Word) ->
    case lists:reverse(Word) of
        [$s, C | Rest] when C =/= $s -> lists:reverse([C | Rest]);
        _ -> Word
    end.
