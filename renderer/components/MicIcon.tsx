/** A microphone drawn with strokes in the text colour (an SVG in the DOM: no image request, no inline style). */
export function MicIcon() {
  return (
    <svg className="mic-icon" viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false">
      <rect x="9" y="3" width="6" height="11" rx="3" fill="currentColor" />
      <path d="M6 11a6 6 0 0 0 12 0M12 17v4M8.5 21h7" fill="none" stroke="currentColor" strokeWidth="2" />
    </svg>
  );
}
