import type { ActionSpec } from '../types';

export const ACCOUNT_ACTIONS: ActionSpec[] = [];
