"""The working files a run writes besides the report and the dashboards: the findings and the
consolidated tables workbook."""
