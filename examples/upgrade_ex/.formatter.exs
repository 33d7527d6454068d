[inputs: ["{mix,.formatter}.exs", "{lib,v2}/**/*.{ex,exs}", "v2/*.exs"]]
