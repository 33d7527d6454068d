# The sample books, added by `bin/book_app seed` (which runs
# BookApp.ReleaseTasks.seed/0) or by `mix run priv/repo/seeds.exs`.
# A book already there is left alone: seeding twice adds nothing.
alias BookApp.Books

books = [
  %{title: "War and Peace", author: "Leo Tolstoy", year: 1869},
  %{title: "Crime and Punishment", author: "Fyodor Dostoevsky", year: 1866},
  %{title: "The Master and Margarita", author: "Mikhail Bulgakov", year: 1967}
]

added = for book <- books, Books.insert(book) == :inserted, do: book.title
IO.puts("Seeded #{length(added)} books (#{length(books) - length(added)} already there)")
added
