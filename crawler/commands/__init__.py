"""Scrapy commands for operators: export, and more to come."""
