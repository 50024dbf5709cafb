-- A host undoes an automatic moderation action at most once: the undo's audit record names the action's record.
CREATE UNIQUE INDEX audit_log_one_undo_per_action ON audit_log (subject_id) WHERE action = 'moderation.auto_action_undone';
