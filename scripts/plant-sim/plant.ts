/**
 * The physics of "Demo water works": two raw-water pumps fill a clear-water tank that the town draws from, a
 * dosing pump adds hypochlorite, and analysers watch the water. Everything here is the true physical state; the
 * sensors (registers.ts) add noise, and faults (faults.ts) can make them lie.
 *
 * A day's demand is compressed into a few minutes so that someone watching sees levels move and pumps cycle, and
 * a level controller with hysteresis starts and stops the pumps so the plant runs forever on its own.
 */

export const pumpNames = ['P-101', 'P-102'] as const;
export type PumpName = (typeof pumpNames)[number];

export interface PumpState {
  /** The operator's run command (coil): off holds the pump stopped. */
  command: boolean;
  running: boolean;
  /** Tripped (motor protection): stopped until the fault clears. */
  fault: boolean;
  /** Speed the operator asked for, %. */
  speedSetpoint: number;
  /** Actual speed, % (ramps towards the setpoint while running, to 0 when stopped). */
  speed: number;
  /** Motor current, A. */
  current: number;
  /** Seconds run and starts since commissioning (the intake PLC reports them for P-101 only). */
  runSeconds: number;
  starts: number;
}

export interface PlantState {
  /** Plant seconds since the simulator started (runs `speed` times faster than the wall clock). */
  time: number;
  pumps: Record<PumpName, PumpState>;
  /** How many pumps the level controller calls for (0, 1 or 2). */
  levelCall: number;
  /** Raw water into the works, m³/h. */
  inletFlow: number;
  /** Raw water into the works since commissioning, m³. */
  inletTotal: number;
  /** Clear-water tank level, m (0 = empty, 5 = overflow). */
  level: number;
  levelPercent: number;
  /** Water the town takes from the tank, m³/h. */
  outletFlow: number;
  /** Pressure in the outlet main, bar. */
  pressure: number;
  dosing: { command: boolean; running: boolean; rateSetpoint: number; rate: number };
  /** Free chlorine in the clear water, mg/l. */
  chlorine: number;
  turbidity: number;
  ph: number;
}

/** Fixed design figures of the works. Changing them changes the demo, not the protocol. */
export const design = {
  tankHeight: 5,
  /**
   * Floor area of the clear-water tank, m². Unrealistically small on purpose: the level must cross the
   * controller's switch points within a few minutes so that someone watching sees pumps start and stop.
   */
  tankArea: 0.5,
  /** One pump at 100 % speed, m³/h. */
  pumpFlow: 90,
  /** Level controller (m): the first pump starts below `leadStart`, stops above `leadStop`; the second likewise. */
  leadStart: 2.0,
  leadStop: 3.8,
  assistStart: 1.2,
  assistStop: 3.0,
  /** Plant seconds in one compressed day of demand. */
  dayLength: 600,
  /** Hypochlorite strength, g/l: dose mg/l = rate l/h × strength / flow m³/h. */
  hypochloriteStrength: 10,
  /** How fast the residual follows the dose (s) and how fast chlorine decays in the tank (1/s). */
  chlorineLag: 40,
  chlorineDecay: 1 / 900,
  /** How fast a pump's speed ramps, %/s. */
  speedRamp: 20,
  /** Pump speeds and dosing rates the PLCs accept. */
  speedSetpointRange: { min: 0, max: 100 },
  dosingRateRange: { min: 0, max: 20 },
} as const;

export function initialPlantState(): PlantState {
  const pump = (running: boolean, speedSetpoint: number, runSeconds: number, starts: number): PumpState => ({
    command: true,
    running,
    fault: false,
    speedSetpoint,
    speed: running ? speedSetpoint : 0,
    current: running ? motorCurrent(speedSetpoint) : 0,
    runSeconds,
    starts,
  });
  return {
    time: 0,
    pumps: { 'P-101': pump(true, 70, 12_345.6 * 3600, 1523), 'P-102': pump(false, 80, 9_876.5 * 3600, 1210) },
    levelCall: 1,
    inletFlow: design.pumpFlow * 0.7,
    inletTotal: 1_234_567.8,
    level: 3,
    levelPercent: 60,
    outletFlow: 45,
    pressure: 3.6,
    dosing: { command: true, running: true, rateSetpoint: 6, rate: 6 },
    chlorine: 0.8,
    turbidity: 0.55,
    ph: 7.35,
  };
}

/** Motor current of a running pump at this speed, A: magnetising current plus load rising with speed cubed. */
function motorCurrent(speed: number): number {
  return 3.5 + 18.5 * (speed / 100) ** 3;
}

/** What the town draws, m³/h: a compressed day (low at night, peaks morning and evening) with a faster wobble. */
export function demandAt(time: number): number {
  const day = (2 * Math.PI * time) / design.dayLength;
  return Math.max(3, 45 + 38 * Math.sin(day) + 15 * Math.sin(2 * day + 1) + 6 * Math.sin((7.3 * 2 * Math.PI * time) / design.dayLength));
}

/** Move `value` towards `target` with a first-order lag of `tau` seconds over `dt`. */
function lag(value: number, target: number, tau: number, dt: number): number {
  return value + (target - value) * (1 - Math.exp(-dt / tau));
}

export interface PlantOptions {
  /** Whether a pump is tripped by an injected fault. */
  isTripped?: (pump: PumpName) => boolean;
}

/** The works: call `advance` with plant seconds; read `state`; the PLC write paths change the setpoints. */
export class Plant {
  readonly state: PlantState = initialPlantState();
  private readonly isTripped: (pump: PumpName) => boolean;

  constructor(options: PlantOptions = {}) {
    this.isTripped = options.isTripped ?? (() => false);
  }

  /** Advance the physics by `seconds` of plant time, in small steps so a fast-running demo stays stable. */
  advance(seconds: number): void {
    let left = seconds;
    while (left > 1e-9) {
      const dt = Math.min(0.5, left);
      this.step(dt);
      left -= dt;
    }
  }

  setSpeedSetpoint(pump: PumpName, percent: number): void {
    this.state.pumps[pump].speedSetpoint = percent;
  }

  setRunCommand(pump: PumpName, on: boolean): void {
    this.state.pumps[pump].command = on;
  }

  setDosingRateSetpoint(litresPerHour: number): void {
    this.state.dosing.rateSetpoint = litresPerHour;
  }

  setDosingCommand(on: boolean): void {
    this.state.dosing.command = on;
  }

  private step(dt: number): void {
    const s = this.state;
    s.time += dt;

    // Level controller with hysteresis: call for one pump below leadStart until leadStop, a second below
    // assistStart until assistStop.
    if (s.level < design.assistStart) s.levelCall = 2;
    else if (s.level < design.leadStart) s.levelCall = Math.max(s.levelCall, 1);
    if (s.levelCall === 2 && s.level > design.assistStop) s.levelCall = 1;
    if (s.levelCall >= 1 && s.level > design.leadStop) s.levelCall = 0;

    // The call goes to the pumps that can run, P-101 first: a tripped or held pump is passed over.
    let called = s.levelCall;
    let inflow = 0;
    for (const name of pumpNames) {
      const pump = s.pumps[name];
      pump.fault = this.isTripped(name);
      const available = pump.command && !pump.fault;
      const run = available && called > 0;
      if (run) called--;
      if (run && !pump.running) pump.starts++;
      pump.running = run;
      if (pump.running) pump.runSeconds += dt;
      const target = pump.running ? pump.speedSetpoint : 0;
      const ramp = design.speedRamp * dt;
      pump.speed = Math.abs(target - pump.speed) <= ramp ? target : pump.speed + Math.sign(target - pump.speed) * ramp;
      pump.current = pump.running ? motorCurrent(pump.speed) : 0;
      inflow += (design.pumpFlow * pump.speed) / 100;
    }
    s.inletFlow = inflow;
    s.inletTotal += (inflow * dt) / 3600;

    // The tank: in from the pumps, out to the town; an empty tank gives what comes in, a full one overflows.
    const demand = demandAt(s.time);
    const volume = s.level * design.tankArea + ((inflow - demand) * dt) / 3600;
    s.level = Math.min(design.tankHeight, Math.max(0, volume / design.tankArea));
    s.outletFlow = s.level > 0 ? demand : Math.min(demand, inflow);
    s.levelPercent = (s.level / design.tankHeight) * 100;

    // Outlet pressure: the tank's head, boosted while pumps run (head rises with speed squared), less friction.
    const running = pumpNames.filter((n) => s.pumps[n].running);
    const fastest = Math.max(0, ...running.map((n) => s.pumps[n].speed));
    const boost = running.length > 0 ? 3.2 * (fastest / 100) ** 2 + 0.4 * (running.length - 1) : 0;
    const pressureTarget = Math.max(0, 0.3 + 0.0981 * s.level + boost - 0.00006 * s.outletFlow ** 2);
    s.pressure = lag(s.pressure, pressureTarget, 2, dt);

    // Dosing runs only with water flowing (a dosing pump on a dead line would overdose when flow returns).
    const d = s.dosing;
    d.running = d.command && inflow > 5;
    d.rate = lag(d.rate, d.running ? d.rateSetpoint : 0, 2, dt);
    if (d.rate < 1e-4) d.rate = 0;
    if (inflow > 5) {
      // The dosed water mixes in at the rate it arrives: a trickle while a pump runs down barely moves the tank.
      const dose = Math.min(5, (d.rate * design.hypochloriteStrength) / inflow);
      s.chlorine = lag(s.chlorine, dose, design.chlorineLag / Math.min(1, inflow / design.pumpFlow), dt);
    }
    s.chlorine = Math.max(0, s.chlorine * Math.exp(-design.chlorineDecay * dt));

    // Analysers: turbidity rises with the flow stirring the intake; pH drifts and rises a little with chlorine.
    const slow = (2 * Math.PI * s.time) / 1700;
    s.turbidity = Math.max(0.05, 0.25 + 0.004 * inflow + 0.1 * Math.sin(slow));
    s.ph = 7.3 + 0.08 * Math.sin((2 * Math.PI * s.time) / 900) + 0.05 * s.chlorine;
  }
}
