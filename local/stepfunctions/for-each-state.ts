import type { StateMachineDefinition } from '../template/state-machines.js';

/**
 * Calls `visit` for every state of a definition, then for the states nested in its Map
 * (`ItemProcessor` or the older `Iterator`) and Parallel (`Branches`) states.
 */
export function forEachState(
  definition: StateMachineDefinition,
  visit: (name: string, state: Record<string, unknown>) => void,
): void {
  for (const [name, state] of Object.entries(definition.States)) {
    visit(name, state);

    const processor = (state.ItemProcessor ?? state.Iterator) as
      | StateMachineDefinition
      | undefined;
    if (processor?.States) {
      forEachState(processor, visit);
    }
    for (const branch of (state.Branches ?? []) as StateMachineDefinition[]) {
      forEachState(branch, visit);
    }
  }
}
