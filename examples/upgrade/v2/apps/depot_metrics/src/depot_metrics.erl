-module(depot_metrics).
-behaviour(gen_server).
-export([start_link/0, bump/1, get/1]).
-export([init/1, handle_call/3, handle_cast/2]).

%% Counters by name.

start_link() ->
    gen_server:start_link({local, ?MODULE}, ?MODULE, [], []).

bump(Name) ->
    gen_server:cast(?MODULE, {bump, Name}).

get(Name) ->
    gen_server:call(?MODULE, {get, Name}).

init([]) ->
    {ok, #{}}.

handle_call({get, Name}, _From, Counts) ->
    {reply, maps:get(Name, Counts, 0), Counts}.

handle_cast({bump, Name}, Counts) ->
    {noreply, maps:update_with(Name, fun(N) -> N + 1 end, 1, Counts)}.
