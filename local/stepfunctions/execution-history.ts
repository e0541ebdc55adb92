import type { StateMachine } from 'aws-local-stepfunctions';

/** An entry of the interpreter's event log (the package does not export the type). */
type EventLog =
  ReturnType<StateMachine['run']>['eventLogs'] extends AsyncGenerator<infer Event> ? Event : never;

/** One entry of an execution's history, in the shape of the `GetExecutionHistory` API. */
export interface HistoryEvent {
  readonly id: number;
  readonly previousEventId: number;
  /** Milliseconds since the epoch. */
  readonly timestamp: number;
  readonly type: string;
  readonly [details: string]: unknown;
}

/**
 * Collects the history of one execution from two sources: the interpreter's event log
 * (states entered and exited, the execution's end) and the Task handlers (Lambda calls).
 * Events keep their arrival order, so the Task handlers must yield to the event loop
 * before their first event (see `lambda-tasks.ts`).
 */
export class ExecutionHistory {
  private readonly entries: { timestamp: number; type: string; details: object }[] = [];

  /** Adds an event from the Task handlers, such as `TaskSucceeded`. */
  addTaskEvent(type: string, details: Record<string, unknown>): void {
    this.add(Date.now(), type, { [detailsKey(type)]: details });
  }

  /** Adds an event from the interpreter's event log. */
  addLogEvent(event: EventLog): void {
    switch (event.type) {
      case 'ExecutionStarted':
        this.add(event.timestamp, event.type, {
          executionStartedEventDetails: { input: JSON.stringify(event.input) },
        });
        break;
      case 'StateEntered':
        this.add(event.timestamp, `${event.state.type}StateEntered`, {
          stateEnteredEventDetails: {
            name: event.state.name,
            input: JSON.stringify(event.state.input),
          },
        });
        break;
      case 'StateExited':
        this.add(event.timestamp, `${event.state.type}StateExited`, {
          stateExitedEventDetails: {
            name: event.state.name,
            output: JSON.stringify(event.state.output ?? null),
          },
        });
        break;
      case 'MapIterationStarted':
      case 'MapIterationSucceeded':
      case 'MapIterationFailed':
        this.add(event.timestamp, event.type, {
          mapIterationEventDetails: { name: event.parentState.name, index: event.index },
        });
        break;
      case 'ExecutionSucceeded':
        this.add(event.timestamp, event.type, {
          executionSucceededEventDetails: { output: JSON.stringify(event.output) },
        });
        break;
      case 'ExecutionFailed':
        this.add(event.timestamp, event.type, {
          executionFailedEventDetails: { error: event.Error, cause: String(event.Cause) },
        });
        break;
      case 'ExecutionAborted':
        this.add(event.timestamp, event.type, {});
        break;
      case 'ExecutionTimeout':
        this.add(event.timestamp, 'ExecutionTimedOut', {});
        break;
      default:
        // Retries, catches and failures inside a state show up through the Task events.
        break;
    }
  }

  /** Replaces the history with events that {@link events} returned earlier. */
  restore(events: readonly HistoryEvent[]): void {
    this.entries.length = 0;
    for (const { id, previousEventId, timestamp, type, ...details } of events) {
      void id;
      void previousEventId;
      this.entries.push({ timestamp, type, details });
    }
  }

  /** Returns the events in order, numbered from 1 as the API numbers them. */
  events(): HistoryEvent[] {
    return this.entries.map((entry, index) => ({
      id: index + 1,
      previousEventId: index,
      timestamp: entry.timestamp,
      type: entry.type,
      ...entry.details,
    }));
  }

  private add(timestamp: number, type: string, details: object): void {
    this.entries.push({ timestamp, type, details });
  }
}

/** Returns the key the API uses for an event's details, such as `taskSucceededEventDetails`. */
function detailsKey(type: string): string {
  return `${type.charAt(0).toLowerCase()}${type.slice(1)}EventDetails`;
}
