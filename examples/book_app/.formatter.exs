[
  inputs: ["{mix,.formatter}.exs", "{config,lib}/**/*.{ex,exs}", "priv/repo/seeds.exs"]
]
