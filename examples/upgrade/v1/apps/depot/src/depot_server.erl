-module(depot_server).
-behaviour(gen_server).
-export([start_link/0, add/2, count/1, all/0, report/0, version/0]).
-export([init/1, handle_call/3, handle_cast/2, code_change/3]).

%% Version 1 keeps the stock as a sorted list of {Item, Count}
%% (an orddict).  Version 2 keeps a map and a count of the adds, and
%% converts the state both ways in its code_change/3.

start_link() ->
    gen_server:start_link({local, ?MODULE}, ?MODULE, [], []).

%% Adds N (may be negative) to Item's count; returns the new count.
add(Item, N) when is_atom(Item), is_integer(N) ->
    gen_server:call(?MODULE, {add, Item, N}).

count(Item) when is_atom(Item) ->
    gen_server:call(?MODULE, {count, Item}).

%% [{Item, Count}], sorted.
all() ->
    gen_server:call(?MODULE, all).

%% The stock as text.
report() ->
    depot_fmt:report(all()).

%% Which version of this code answers.
version() ->
    gen_server:call(?MODULE, version).

init([]) ->
    {ok, orddict:new()}.

handle_call({add, Item, N}, _From, Stock) ->
    Stock1 = orddict:update_counter(Item, N, Stock),
    {reply, orddict:fetch(Item, Stock1), Stock1};
handle_call({count, Item}, _From, Stock) ->
    Count = case orddict:find(Item, Stock) of
                {ok, C} -> C;
                error -> 0
            end,
    {reply, Count, Stock};
handle_call(all, _From, Stock) ->
    {reply, orddict:to_list(Stock), Stock};
handle_call(version, _From, Stock) ->
    {reply, 1, Stock}.

handle_cast(_Msg, Stock) ->
    {noreply, Stock}.

code_change(_OldVsn, Stock, _Extra) ->
    {ok, Stock}.
