// An appliance's serial number, as appliances send it and the console names them. No zod here:
// the console imports this at run time.
export const SERIAL_MAX_LENGTH = 64;
export const SERIAL_CHARACTERS = /^[A-Za-z0-9._-]+$/;

export function isSerial(text: string): boolean {
  return text.length <= SERIAL_MAX_LENGTH && SERIAL_CHARACTERS.test(text);
}
