"""The storage tests run on the `database` fixture of tests/conftest.py (SQLite, and
PostgreSQL when TAWASUL_TEST_DATABASE_URL is set); their other fixtures are their own."""
