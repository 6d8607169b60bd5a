import type { ActionSpec } from '../types';

export const MESSAGE_ACTIONS: ActionSpec[] = [];
