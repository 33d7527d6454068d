-module(hello_sup).
-behaviour(supervisor).
-export([start_link/0, init/1]).

start_link() ->
    supervisor:start_link({local, ?MODULE}, ?MODULE, []).

init([]) ->
    Server = #{id => hello_server,
               start => {hello_server, start_link, []}},
    {ok, {#{strategy => one_for_one, intensity => 5, period => 10},
          [Server]}}.
