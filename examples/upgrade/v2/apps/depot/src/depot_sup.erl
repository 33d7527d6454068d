-module(depot_sup).
-behaviour(supervisor).
-export([start_link/0, init/1]).

%% Version 2: the stock and, new, its audit log.  A running version 1
%% gets the new child from depot.appup ({update, depot_sup, supervisor}
%% changes the supervisor's child specifications, restart_child starts
%% the new one).
start_link() ->
    supervisor:start_link({local, ?MODULE}, ?MODULE, []).

init([]) ->
    Audit = #{id => depot_audit,
              start => {depot_audit, start_link, []}},
    Server = #{id => depot_server,
               start => {depot_server, start_link, []}},
    {ok, {#{strategy => one_for_one, intensity => 5, period => 10},
          [Audit, Server]}}.
