defmodule BookApp.Endpoint do
  @moduledoc """
  The HTTP endpoint, on `:gen_tcp` (no Cowboy here): one request per
  connection, each served in a task of `BookApp.ConnectionSupervisor`.

    * `GET /books`: the books as JSON, by id; 503 until the migrations ran
    * `GET /health`: `ok`
  """
  use GenServer
  require Logger

  alias BookApp.{Books, JSON}

  @recv_timeout 10_000

  def start_link(_opts), do: GenServer.start_link(__MODULE__, [], name: __MODULE__)

  @doc "The port the endpoint listens on."
  def port, do: GenServer.call(__MODULE__, :port)

  @impl true
  def init([]) do
    port = Application.fetch_env!(:book_app, :port)
    ip = Application.get_env(:book_app, :ip, {127, 0, 0, 1})

    opts = [:binary, packet: :http_bin, active: false, reuseaddr: true, ip: ip, backlog: 128]

    case :gen_tcp.listen(port, opts) do
      {:ok, listener} ->
        {:ok, port} = :inet.port(listener)
        acceptor = spawn_link(fn -> accept(listener) end)
        Logger.info("BookApp.Endpoint listening on http://#{:inet.ntoa(ip)}:#{port}")
        {:ok, %{listener: listener, port: port, acceptor: acceptor}}

      {:error, reason} ->
        Logger.error(
          "BookApp.Endpoint cannot listen on port #{port}: #{:inet.format_error(reason)}"
        )

        {:stop, {:listen, port, reason}}
    end
  end

  @impl true
  def handle_call(:port, _from, state), do: {:reply, state.port, state}

  defp accept(listener) do
    {:ok, socket} = :gen_tcp.accept(listener)

    {:ok, pid} =
      Task.Supervisor.start_child(BookApp.ConnectionSupervisor, fn ->
        receive do
          :go -> serve(socket)
        end
      end)

    :ok = :gen_tcp.controlling_process(socket, pid)
    send(pid, :go)
    accept(listener)
  end

  defp serve(socket) do
    {status, type, body} =
      case read_request(socket) do
        {:ok, method, path} -> answer(method, path)
        {:error, :bad_request} -> {400, "text/plain", "bad request\n"}
        {:error, _closed_or_timeout} -> {nil, nil, nil}
      end

    if status, do: respond(socket, status, type, body)
    :gen_tcp.close(socket)
  end

  defp read_request(socket) do
    case :gen_tcp.recv(socket, 0, @recv_timeout) do
      {:ok, {:http_request, method, {:abs_path, target}, _version}} ->
        with :ok <- skip_headers(socket) do
          [path | _query] = String.split(target, "?", parts: 2)
          {:ok, method, path}
        end

      {:ok, _other} ->
        {:error, :bad_request}

      {:error, reason} ->
        {:error, reason}
    end
  end

  defp skip_headers(socket) do
    case :gen_tcp.recv(socket, 0, @recv_timeout) do
      {:ok, :http_eoh} -> :ok
      {:ok, {:http_header, _, _, _, _}} -> skip_headers(socket)
      {:ok, _other} -> {:error, :bad_request}
      {:error, reason} -> {:error, reason}
    end
  end

  defp answer(method, path) do
    route(method, path)
  rescue
    e ->
      Logger.error("#{method} #{path}: " <> Exception.format(:error, e, __STACKTRACE__))
      {500, "text/plain", "internal server error\n"}
  end

  defp route(:GET, "/books") do
    case Books.list() do
      {:ok, books} ->
        {200, "application/json", JSON.encode(books) <> "\n"}

      {:error, :not_migrated} ->
        {503, "application/json", JSON.encode(%{error: "not migrated"}) <> "\n"}
    end
  end

  defp route(:GET, "/health"), do: {200, "text/plain", "ok\n"}

  defp route(_method, path) when path in ["/books", "/health"],
    do: {405, "text/plain", "method not allowed\n"}

  defp route(_method, _path), do: {404, "text/plain", "not found\n"}

  defp respond(socket, status, type, body) do
    :gen_tcp.send(socket, [
      "HTTP/1.1 #{status} #{reason(status)}\r\n",
      "content-type: #{type}; charset=utf-8\r\n",
      "content-length: #{byte_size(body)}\r\n",
      "connection: close\r\n\r\n",
      body
    ])
  end

  defp reason(200), do: "OK"
  defp reason(400), do: "Bad Request"
  defp reason(404), do: "Not Found"
  defp reason(405), do: "Method Not Allowed"
  defp reason(500), do: "Internal Server Error"
  defp reason(503), do: "Service Unavailable"
end
