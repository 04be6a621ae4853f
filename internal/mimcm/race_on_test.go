//go:build race

package mimcm

// raceDetector is set when the tests run under -race, whose shadow memory
// makes heap measurements meaningless.
const raceDetector = true
