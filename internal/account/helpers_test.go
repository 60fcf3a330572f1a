package account

import (
	"errors"

	"cairn/internal/apperror"
)

func asAppError(err error, target **apperror.Error) bool { return errors.As(err, target) }
