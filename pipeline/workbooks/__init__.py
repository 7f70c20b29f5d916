"""The staff's files: the layout of a quarter's workbook, the templates, their safety scan,
reading them into records, collecting returns, and the published-tables workbook."""
