"""event log as the record of truth: one envelope, step and call tables, keys, number series

Revision ID: 0007_event_log
Revises: 0006_security
Create Date: 2026-12-02 01:00:00.000000

Events written before this revision keep their payloads and get version 0 (legacy: kept, never
applied); `flask events baseline` then snapshots every row that has no event yet.
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


revision = "0007_event_log"
down_revision = "0006_security"
branch_labels = None
depends_on = None

PAYLOAD = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade():
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_index('ix_event_site_kind_seq')
        batch_op.drop_index('ix_event_kind_seq')
        batch_op.drop_index(batch_op.f('ix_event_aggregate_id'))
        batch_op.drop_index(batch_op.f('ix_event_site_id'))
        batch_op.alter_column('kind', new_column_name='type', existing_type=sa.String(40),
                              type_=sa.String(60), existing_nullable=False)
        batch_op.alter_column('site_id', new_column_name='origin_site_id', existing_type=sa.Uuid(),
                              existing_nullable=False)
        batch_op.alter_column('hlc', existing_type=sa.String(24), type_=sa.String(64), existing_nullable=False)
        batch_op.alter_column('payload', existing_type=sa.JSON(), type_=PAYLOAD, existing_nullable=False,
                              postgresql_using='payload::jsonb')
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('aggregate_type', sa.String(30), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('tx_id', sa.Uuid(), nullable=True))
    op.execute("UPDATE event SET tx_id = id, aggregate_type = CASE "
               "WHEN type LIKE 'ticket.%' THEN 'ticket' WHEN type LIKE 'dossier.%' THEN 'dossier' "
               "WHEN type LIKE 'counter.%' THEN 'counter' WHEN type LIKE 'print.%' THEN 'print' "
               "WHEN type LIKE 'procedure.%' THEN 'procedure' ELSE 'site' END")
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.alter_column('tx_id', existing_type=sa.Uuid(), nullable=False)
        batch_op.create_index('ix_event_type_seq', ['type', 'seq'], unique=False)
        batch_op.create_index('ix_event_origin_seq', ['origin_site_id', 'seq'], unique=False)
        batch_op.create_index('ix_event_aggregate_hlc', ['aggregate_type', 'aggregate_id', 'hlc'], unique=False)

    op.create_table('event_flag',
    sa.Column('event_id', sa.Uuid(), nullable=False),
    sa.Column('aggregate_id', sa.Uuid(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('event_id')
    )
    with op.batch_alter_table('event_flag', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_flag_aggregate_id'), ['aggregate_id'], unique=False)
    op.create_table('personal_key',
    sa.Column('subject_id', sa.Uuid(), nullable=False),
    sa.Column('key', sa.LargeBinary(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('subject_id')
    )
    op.create_table('ticket_call',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('site_id', sa.Uuid(), nullable=False),
    sa.Column('ticket_id', sa.Uuid(), nullable=False),
    sa.Column('code', sa.String(length=8), nullable=False),
    sa.Column('counter_number', sa.Integer(), nullable=False),
    sa.Column('called_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['site_id'], ['reception_point.id'], ),
    sa.ForeignKeyConstraint(['ticket_id'], ['ticket.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('ticket_call', schema=None) as batch_op:
        batch_op.create_index('ix_ticket_call_site_at', ['site_id', 'called_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_ticket_call_ticket_id'), ['ticket_id'], unique=False)
    op.create_table('dossier_step',
    sa.Column('dossier_id', sa.Uuid(), nullable=False),
    sa.Column('type', sa.String(length=60), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('actor_id', sa.Uuid(), nullable=True),
    sa.Column('status', sa.String(length=24), nullable=False),
    sa.Column('agency', sa.String(length=200), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('items', sa.JSON(), nullable=False),
    sa.Column('collected_by', sa.String(length=10), nullable=False),
    sa.Column('proxy_name', sa.String(length=120), nullable=False),
    sa.Column('authorisation', sa.String(length=200), nullable=False),
    sa.Column('due_at', sa.DateTime(), nullable=True),
    sa.Column('previous_due_at', sa.DateTime(), nullable=True),
    sa.Column('transfer_by', sa.Date(), nullable=True),
    sa.Column('on_time', sa.Boolean(), nullable=True),
    sa.Column('late', sa.Boolean(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('site_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['staff_user.id'], ),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], ),
    sa.ForeignKeyConstraint(['site_id'], ['reception_point.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('dossier_step', schema=None) as batch_op:
        batch_op.create_index('ix_dossier_step_dossier_at', ['dossier_id', 'at'], unique=False)
        batch_op.create_index(batch_op.f('ix_dossier_step_site_id'), ['site_id'], unique=False)

    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.add_column(sa.Column('clock_started_at', sa.DateTime(), nullable=True))
    op.execute("UPDATE dossier SET clock_started_at = received_at")
    op.rename_table('ticket_sequence', 'number_series')


def downgrade():
    op.rename_table('number_series', 'ticket_sequence')
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.drop_column('clock_started_at')
    op.drop_table('dossier_step')
    op.drop_table('ticket_call')
    op.drop_table('personal_key')
    op.drop_table('event_flag')
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_index('ix_event_aggregate_hlc')
        batch_op.drop_index('ix_event_origin_seq')
        batch_op.drop_index('ix_event_type_seq')
        batch_op.drop_column('tx_id')
        batch_op.drop_column('aggregate_type')
        batch_op.drop_column('version')
        batch_op.alter_column('payload', existing_type=PAYLOAD, type_=sa.JSON(), existing_nullable=False)
        batch_op.alter_column('hlc', existing_type=sa.String(64), type_=sa.String(24), existing_nullable=False)
        batch_op.alter_column('origin_site_id', new_column_name='site_id', existing_type=sa.Uuid(),
                              existing_nullable=False)
        batch_op.alter_column('type', new_column_name='kind', existing_type=sa.String(60),
                              type_=sa.String(40), existing_nullable=False)
        batch_op.create_index(batch_op.f('ix_event_site_id'), ['site_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_aggregate_id'), ['aggregate_id'], unique=False)
        batch_op.create_index('ix_event_kind_seq', ['kind', 'seq'], unique=False)
        batch_op.create_index('ix_event_site_kind_seq', ['site_id', 'kind', 'seq'], unique=False)
