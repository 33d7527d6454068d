%% hello_server: answers greetings and counts how many it gave.
-module(hello_server).
-behaviour(gen_server).
-export([start_link/0, greet/1, count/0]).
-export([init/1, handle_call/3, handle_cast/2]).

start_link() ->
    gen_server:start_link({local, ?MODULE}, ?MODULE, [], []).

greet(Name) ->
    gen_server:call(?MODULE, {greet, Name}).

count() ->
    gen_server:call(?MODULE, count).

init([]) ->
    {ok, 0}.

handle_call({greet, Name}, _From, N) ->
    {reply, greeter:greet(Name), N + 1};
handle_call(count, _From, N) ->
    {reply, N, N}.

handle_cast(_Msg, N) ->
    {noreply, N}.
