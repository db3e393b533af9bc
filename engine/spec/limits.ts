// Limits of the platform the spec is deployed on, which the spec is checked against.

/**
 * The longest ack deadline a Pub/Sub push subscription can have. Every run on Google Cloud is started
 * by a push (triggers, requests, schedules and fan-out tasks all travel on topics), and a push not
 * answered within the deadline is delivered again — so one run, or one fan-out task, must fit in it.
 */
export const PUSH_ACK_DEADLINE_MAX_MS = 600_000;
