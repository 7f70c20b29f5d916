"""The year-over-year dashboards: data read from the store, the charts, and the offline pages."""
