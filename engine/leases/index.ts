export { leaseFor, PROCESS_HOLDER, WorkerLease, type WorkerLeaseOptions } from './worker-lease.js';
