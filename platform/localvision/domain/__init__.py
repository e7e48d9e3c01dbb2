"""Domain rules as plain functions: values in, values out, no request or database."""
