-module(depot_server).
-behaviour(gen_server).
-export([start_link/0, add/2, count/1, all/0, adds/0, report/0, version/0]).
-export([init/1, handle_call/3, handle_cast/2, code_change/3]).

%% Version 2 keeps the stock in a map and counts the adds; each add is
%% noted in the audit log (depot_audit) and the metrics (depot_metrics,
%% an application of its own).  code_change/3 converts version 1's state
%% (a sorted list of {Item, Count}) and back.
-record(state, {items = #{} :: #{atom() => integer()},
                adds = 0 :: non_neg_integer()}).

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

%% How many adds since this version took over.
adds() ->
    gen_server:call(?MODULE, adds).

%% The stock as text.
report() ->
    depot_text:report(all()).

%% Which version of this code answers.
version() ->
    gen_server:call(?MODULE, version).

init([]) ->
    {ok, #state{}}.

handle_call({add, Item, N}, _From, #state{items = Items, adds = Adds} = S) ->
    Count = maps:get(Item, Items, 0) + N,
    depot_audit:note({add, Item, N}),
    depot_metrics:bump(adds),
    {reply, Count, S#state{items = Items#{Item => Count}, adds = Adds + 1}};
handle_call({count, Item}, _From, #state{items = Items} = S) ->
    {reply, maps:get(Item, Items, 0), S};
handle_call(all, _From, #state{items = Items} = S) ->
    {reply, lists:sort(maps:to_list(Items)), S};
handle_call(adds, _From, #state{adds = Adds} = S) ->
    {reply, Adds, S};
handle_call(version, _From, S) ->
    {reply, 2, S}.

handle_cast(_Msg, S) ->
    {noreply, S}.

%% Downgrade to version 1: back to the sorted list (the adds are lost).
code_change({down, _Vsn}, #state{items = Items}, _Extra) ->
    {ok, lists:sort(maps:to_list(Items))};
%% Upgrade from version 1: its list becomes the map.
code_change(_Vsn, Stock, _Extra) when is_list(Stock) ->
    {ok, #state{items = maps:from_list(Stock)}};
code_change(_Vsn, #state{} = S, _Extra) ->
    {ok, S}.
