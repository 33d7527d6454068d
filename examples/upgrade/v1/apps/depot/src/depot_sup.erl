-module(depot_sup).
-behaviour(supervisor).
-export([start_link/0, init/1]).

%% Version 1: one child, the stock.
start_link() ->
    supervisor:start_link({local, ?MODULE}, ?MODULE, []).

init([]) ->
    Server = #{id => depot_server,
               start => {depot_server, start_link, []}},
    {ok, {#{strategy => one_for_one, intensity => 5, period => 10},
          [Server]}}.
