"""Reading workbooks: the guard that checks a file before anything parses it, and the reader."""
