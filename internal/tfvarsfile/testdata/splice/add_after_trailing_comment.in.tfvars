region = "us-east-1"
# last comment, no newline