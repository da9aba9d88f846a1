import type { Place } from './place.ts';
import type { Visit } from './visit.ts';

/** Daily-routine types. */
export const PERSONAS = ['worker', 'student', 'stayer'] as const;
export type Persona = (typeof PERSONAS)[number];

/** A planted appointment: someone goes to a scenario's venue. Times are epoch ms. */
export interface Appointment {
  /** Index into the simulation's scenarios. */
  scenario: number;
  arrive: number;
  leave: number;
  place: Place;
}

/** A simulated subscriber: who they are and the places of their life. Immutable over the run. */
export interface Subscriber {
  index: number;
  /** 15 digits, MCC-MNC 22201 first (a foreign MCC for inbound roamers). */
  imsi: string;
  persona: Persona;
  home: Place;
  /** Workplace or school; null for stayers. */
  work: Place | null;
  hasCar: boolean;
  /** Multiplier of call/sms/data activity (log-normal around 1). */
  activity: number;
  /** Switches the phone off at night (detach … attach). */
  nightOff: boolean;
  /** Also emits GPS location fixes. */
  fixes: boolean;
  appointment: Appointment | null;
  /** Set for visitors (population analysis): they are in the city only during the visit. */
  visit?: Visit;
}
