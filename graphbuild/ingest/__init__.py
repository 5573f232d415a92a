"""Reading inputs and cutting them into documents, items and comments."""
