-module(depot_metrics_sup).
-behaviour(supervisor).
-export([start_link/0, init/1]).

start_link() ->
    supervisor:start_link({local, ?MODULE}, ?MODULE, []).

init([]) ->
    Metrics = #{id => depot_metrics,
                start => {depot_metrics, start_link, []}},
    {ok, {#{strategy => one_for_one, intensity => 5, period => 10},
          [Metrics]}}.
