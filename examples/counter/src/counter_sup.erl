%% The store first, then the HTTP listener that calls it.
-module(counter_sup).
-behaviour(supervisor).
-export([start_link/0, init/1]).

start_link() ->
    supervisor:start_link({local, ?MODULE}, ?MODULE, []).

init([]) ->
    {ok, Port} = application:get_env(counter, port),
    Store = #{id => counter_store,
              start => {counter_store, start_link, []}},
    Http = #{id => counter_http,
             start => {counter_http, start_link, [Port]}},
    {ok, {#{strategy => rest_for_one, intensity => 5, period => 10},
          [Store, Http]}}.
