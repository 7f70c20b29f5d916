"""The sample office: its quarter workbooks, published tables and words."""
