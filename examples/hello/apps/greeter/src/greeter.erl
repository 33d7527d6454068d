%% greeter: turns a name into a greeting.
-module(greeter).
-export([greet/1]).

-spec greet(string()) -> string().
greet(Name) ->
    {ok, Greeting} = application:get_env(greeter, greeting),
    Greeting ++ ", " ++ Name ++ "!".
