"""a working day: the office's phone and hours, priority checked at the counter, citizen search

Revision ID: 0010_working_day
Revises: 0009_quality
Create Date: 2026-12-02 12:00:00

"""
import unicodedata

from alembic import op
import sqlalchemy as sa


revision = '0010_working_day'
down_revision = '0009_quality'
branch_labels = None
depends_on = None


def _fold(text):
    # The same folding as models.dossier.search_fold, frozen here as this migration ran.
    decomposed = unicodedata.normalize("NFD", (text or "").replace("đ", "d").replace("Đ", "D"))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.lower().split())[:120]


def upgrade():
    with op.batch_alter_table('reception_point') as batch:
        batch.add_column(sa.Column('phone', sa.String(length=40), nullable=False, server_default=''))
        batch.add_column(sa.Column('hours', sa.JSON(), nullable=False, server_default=sa.text("'{}'")))
    with op.batch_alter_table('ticket') as batch:
        batch.add_column(sa.Column('priority_checked', sa.String(length=10), nullable=True))
    with op.batch_alter_table('dossier') as batch:
        batch.add_column(sa.Column('applicant_search', sa.String(length=120), nullable=False,
                                   server_default=''))
    connection = op.get_bind()
    dossier = sa.table('dossier', sa.column('id', sa.Uuid()), sa.column('applicant_name', sa.String()),
                       sa.column('applicant_search', sa.String()))
    rows = connection.execute(sa.select(dossier.c.id, dossier.c.applicant_name)).all()
    for dossier_id, name in rows:
        connection.execute(dossier.update().where(dossier.c.id == dossier_id)
                           .values(applicant_search=_fold(name)))
    op.create_index('ix_dossier_applicant_search', 'dossier', ['site_id', 'applicant_search'])
    op.create_index('ix_dossier_applicant_phone', 'dossier', ['site_id', 'applicant_phone'])


def downgrade():
    op.drop_index('ix_dossier_applicant_phone', table_name='dossier')
    op.drop_index('ix_dossier_applicant_search', table_name='dossier')
    with op.batch_alter_table('dossier') as batch:
        batch.drop_column('applicant_search')
    with op.batch_alter_table('ticket') as batch:
        batch.drop_column('priority_checked')
    with op.batch_alter_table('reception_point') as batch:
        batch.drop_column('hours')
        batch.drop_column('phone')
