"""central server and sync: site credentials and links, quarantine, the site's sync state,
staff assigned to sites, the event's audience, and the clock's own wall time

Revision ID: 0008_sync
Revises: 0007_event_log
Create Date: 2026-12-02 04:10:00.000000

Every existing account is assigned to its home site, so nobody loses access.
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


revision = "0008_sync"
down_revision = "0007_event_log"
branch_labels = None
depends_on = None

ENVELOPE = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade():
    op.create_table('site_credential',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('site_id', sa.Uuid(), nullable=False),
    sa.Column('key_id', sa.String(length=16), nullable=False),
    sa.Column('secret_sha256', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_used_at', sa.DateTime(), nullable=True),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['site_id'], ['reception_point.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key_id')
    )
    with op.batch_alter_table('site_credential', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_site_credential_site_id'), ['site_id'], unique=False)
    op.create_table('site_link',
    sa.Column('site_id', sa.Uuid(), nullable=False),
    sa.Column('last_contact_at', sa.DateTime(), nullable=True),
    sa.Column('last_push_at', sa.DateTime(), nullable=True),
    sa.Column('last_pull_at', sa.DateTime(), nullable=True),
    sa.Column('events_waiting', sa.Integer(), nullable=False),
    sa.Column('events_received', sa.BigInteger(), nullable=False),
    sa.Column('clock_offset_ms', sa.BigInteger(), nullable=True),
    sa.ForeignKeyConstraint(['site_id'], ['reception_point.id'], ),
    sa.PrimaryKeyConstraint('site_id')
    )
    op.create_table('sync_quarantine',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('event_id', sa.Uuid(), nullable=False),
    sa.Column('site_id', sa.Uuid(), nullable=False),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('envelope', ENVELOPE, nullable=False),
    sa.Column('resolved_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('sync_quarantine', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sync_quarantine_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sync_quarantine_site_id'), ['site_id'], unique=False)
    op.create_table('sync_state',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('central_url', sa.String(length=300), nullable=False),
    sa.Column('credential', sa.String(length=200), nullable=False),
    sa.Column('site_id', sa.Uuid(), nullable=False),
    sa.Column('cursor', sa.BigInteger(), nullable=False),
    sa.Column('pushed_seq', sa.BigInteger(), nullable=False),
    sa.Column('public_url', sa.String(length=300), nullable=False),
    sa.Column('enrolled_at', sa.DateTime(), nullable=False),
    sa.Column('last_attempt_at', sa.DateTime(), nullable=True),
    sa.Column('last_success_at', sa.DateTime(), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('central_time', sa.DateTime(), nullable=True),
    sa.Column('central_time_seen_at_ms', sa.BigInteger(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('sync_problem',
    sa.Column('event_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('event_id')
    )
    op.create_table('staff_site',
    sa.Column('staff_id', sa.Uuid(), nullable=False),
    sa.Column('site_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['site_id'], ['reception_point.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['staff_id'], ['staff_user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('staff_id', 'site_id')
    )
    op.execute("INSERT INTO staff_site (staff_id, site_id) SELECT id, site_id FROM staff_user")
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('received_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('audience', sa.Uuid(), nullable=True))
        batch_op.create_index('ix_event_audience_seq', ['audience', 'seq'], unique=False)
    with op.batch_alter_table('clock_state', schema=None) as batch_op:
        batch_op.add_column(sa.Column('wall_ms', sa.BigInteger(), nullable=True))
    op.execute("UPDATE clock_state SET wall_ms = last_ms")
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.create_index('ix_dossier_site_received', ['site_id', 'received_at'], unique=False)


def downgrade():
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.drop_index('ix_dossier_site_received')
    with op.batch_alter_table('clock_state', schema=None) as batch_op:
        batch_op.drop_column('wall_ms')
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_index('ix_event_audience_seq')
        batch_op.drop_column('audience')
        batch_op.drop_column('received_at')
    op.drop_table('staff_site')
    op.drop_table('sync_problem')
    op.drop_table('sync_state')
    with op.batch_alter_table('sync_quarantine', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sync_quarantine_site_id'))
        batch_op.drop_index(batch_op.f('ix_sync_quarantine_event_id'))
    op.drop_table('sync_quarantine')
    op.drop_table('site_link')
    with op.batch_alter_table('site_credential', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_site_credential_site_id'))
    op.drop_table('site_credential')
