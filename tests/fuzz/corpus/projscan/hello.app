{application, hello, [{vsn, "0.1.0"}, {modules, [hello]}]}.
