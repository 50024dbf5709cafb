// Worker-thread entry of trainMemberInWorker (member-train.ts): trains one member and posts its log lines and result.
import { parentPort, workerData } from 'node:worker_threads';
import { trainMember, type MemberJob } from './member-train.js';

const result = trainMember(workerData as MemberJob, (s) => parentPort!.postMessage({ log: s }));
parentPort!.postMessage({ result });
