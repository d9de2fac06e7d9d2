"""Review stage: queues with claims, approve/edit/reject/revert, history."""
