// Public surface of agent supervision: the watcher that gives every live room a moderation agent again after its
// worker died.
export { AgentSupervisor, type AgentSupervisorOptions, type AgentSupervisionLiveKit, type RoomCheck } from './agent-supervisor.js';
