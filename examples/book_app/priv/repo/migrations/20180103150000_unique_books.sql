-- One row a book, so that priv/repo/seeds.exs can run again.
CREATE UNIQUE INDEX books_title_author_index ON books (title, author);
