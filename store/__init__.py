"""The system of record: models, migrations, the reporting calendar and ingestion."""
