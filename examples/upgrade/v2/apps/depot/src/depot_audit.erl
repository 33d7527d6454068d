-module(depot_audit).
-behaviour(gen_server).
-export([start_link/0, note/1, notes/0]).
-export([init/1, handle_call/3, handle_cast/2]).

%% New in version 2, and a new child of depot_sup: the last adds, newest
%% first (at most 100).

start_link() ->
    gen_server:start_link({local, ?MODULE}, ?MODULE, [], []).

note(What) ->
    gen_server:cast(?MODULE, {note, What}).

notes() ->
    gen_server:call(?MODULE, notes).

init([]) ->
    {ok, []}.

handle_call(notes, _From, Notes) ->
    {reply, Notes, Notes}.

handle_cast({note, What}, Notes) ->
    {noreply, lists:sublist([What | Notes], 100)}.
