"""ratings of the service and feedback/complaints (PAKN), for the supervisor's figures

Revision ID: 0009_quality
Revises: 0008_sync
Create Date: 2026-12-02 07:31:37.796998

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009_quality'
down_revision = '0008_sync'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('feedback',
    sa.Column('code', sa.String(length=60), nullable=False),
    sa.Column('check', sa.String(length=12), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('topic', sa.String(length=30), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('dossier_id', sa.Uuid(), nullable=True),
    sa.Column('ticket_id', sa.Uuid(), nullable=True),
    sa.Column('recorded_by_id', sa.Uuid(), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.Column('due_at', sa.DateTime(), nullable=False),
    sa.Column('reject_by', sa.DateTime(), nullable=False),
    sa.Column('assigned_to_id', sa.Uuid(), nullable=True),
    sa.Column('assigned_at', sa.DateTime(), nullable=True),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.Column('answered_at', sa.DateTime(), nullable=True),
    sa.Column('answered_by_id', sa.Uuid(), nullable=True),
    sa.Column('on_time', sa.Boolean(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('site_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['answered_by_id'], ['staff_user.id'], ),
    sa.ForeignKeyConstraint(['assigned_to_id'], ['staff_user.id'], ),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], ),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['staff_user.id'], ),
    sa.ForeignKeyConstraint(['site_id'], ['reception_point.id'], ),
    sa.ForeignKeyConstraint(['ticket_id'], ['ticket.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code')
    )
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feedback_site_id'), ['site_id'], unique=False)
        batch_op.create_index('ix_feedback_site_received', ['site_id', 'received_at'], unique=False)
        batch_op.create_index('ix_feedback_site_status', ['site_id', 'status', 'due_at'], unique=False)

    op.create_table('rating',
    sa.Column('ticket_id', sa.Uuid(), nullable=True),
    sa.Column('dossier_id', sa.Uuid(), nullable=True),
    sa.Column('officer_id', sa.Uuid(), nullable=True),
    sa.Column('counter_id', sa.Uuid(), nullable=True),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('scale', sa.Integer(), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('sentiment', sa.String(length=12), nullable=False),
    sa.Column('reasons', sa.JSON(), nullable=False),
    sa.Column('rated_at', sa.DateTime(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('site_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['counter_id'], ['counter.id'], ),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], ),
    sa.ForeignKeyConstraint(['officer_id'], ['staff_user.id'], ),
    sa.ForeignKeyConstraint(['site_id'], ['reception_point.id'], ),
    sa.ForeignKeyConstraint(['ticket_id'], ['ticket.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('dossier_id'),
    sa.UniqueConstraint('ticket_id')
    )
    with op.batch_alter_table('rating', schema=None) as batch_op:
        batch_op.create_index('ix_rating_site_at', ['site_id', 'rated_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_rating_site_id'), ['site_id'], unique=False)
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.create_index('ix_dossier_site_returned', ['site_id', 'returned_at'], unique=False)
    # The supervisor's figures: a period's finished dossiers, and who served each ticket
    with op.batch_alter_table('dossier_step', schema=None) as batch_op:
        batch_op.create_index('ix_dossier_step_site_type_at', ['site_id', 'type', 'at'], unique=False)
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.create_index('ix_event_type_at_actor', ['type', 'occurred_at', 'aggregate_id', 'actor_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_index('ix_event_type_at_actor')
    with op.batch_alter_table('dossier_step', schema=None) as batch_op:
        batch_op.drop_index('ix_dossier_step_site_type_at')
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.drop_index('ix_dossier_site_returned')
    with op.batch_alter_table('rating', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rating_site_id'))
        batch_op.drop_index('ix_rating_site_at')

    op.drop_table('rating')
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.drop_index('ix_feedback_site_status')
        batch_op.drop_index('ix_feedback_site_received')
        batch_op.drop_index(batch_op.f('ix_feedback_site_id'))

    op.drop_table('feedback')
