import pytest
from django.db import connection

from core.models import Heartbeat

TEXT = "Service 服务 サービス 서비스 — 🎓📅✅ café"


@pytest.mark.integration
@pytest.mark.django_db
def test_emoji_and_cjk_round_trip():
    heartbeat = Heartbeat.objects.create(message=TEXT)
    assert Heartbeat.objects.get(pk=heartbeat.pk).message == TEXT
    assert Heartbeat.objects.filter(message__contains="🎓").count() == 1


@pytest.mark.integration
@pytest.mark.django_db
def test_tables_and_connection_are_utf8mb4_and_strict():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_collation FROM information_schema.tables"
            " WHERE table_schema = DATABASE() AND table_name = %s",
            [Heartbeat._meta.db_table],
        )
        assert cursor.fetchone()[0].startswith("utf8mb4_")
        cursor.execute("SELECT @@character_set_connection, @@sql_mode")
        charset, sql_mode = cursor.fetchone()
    assert charset == "utf8mb4"
    assert "STRICT_TRANS_TABLES" in sql_mode
