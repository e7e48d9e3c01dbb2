"""Reads for pages, downloads and the API; every public list goes through the public read rules of queries/public.py"""
