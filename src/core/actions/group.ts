import type { ActionSpec } from '../types';

export const GROUP_ACTIONS: ActionSpec[] = [];
